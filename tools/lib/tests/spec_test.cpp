// SPDX-License-Identifier: GPL-2.0
// The names the tool prints must be the spec's: read them from the YAML file itself.
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/lib/spec.h"

namespace spirecovery::ctl {
namespace {

// Names in spec order: "attribute-sets/<set>" and "operations" -> names. Only the few shapes
// the spec uses are understood ("name: x" at a fixed indentation per level).
std::map<std::string, std::vector<std::string>> read_spec_names() {
    const char* path = std::getenv("SPIRECOVERY_SPEC");
    if (!path)
        throw std::runtime_error("SPIRECOVERY_SPEC is not set (the Makefile sets it)");
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(std::string("cannot read ") + path);

    std::map<std::string, std::vector<std::string>> names;
    std::string section, set, line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != ' ' && line[0] != '#' && line.back() == ':')
            section = line.substr(0, line.size() - 1);
        const auto name_at = [&](std::size_t indent) -> std::string {
            const std::string key = std::string(indent, ' ') + "name: ";
            return line.rfind(key, 0) == 0 ? line.substr(key.size()) : "";
        };
        if (section == "attribute-sets") {
            if (const std::string s = name_at(4); !s.empty())
                set = s;
            else if (const std::string a = name_at(8); !a.empty())
                names["attribute-sets/" + set].push_back(a);
        } else if (section == "operations") {
            if (const std::string op = name_at(6); !op.empty())
                names["operations"].push_back(op);
        }
    }
    return names;
}

std::vector<std::string> names_of(std::span<const spec::Attribute> table) {
    std::vector<std::string> names;
    for (const spec::Attribute& attr : table.subspan(1))
        names.emplace_back(attr.name);
    return names;
}

TEST(Spec, AttributeNamesAreTheYamlOnes) {
    const auto yaml = read_spec_names();
    EXPECT_EQ(names_of(spec::config_attrs), yaml.at("attribute-sets/config"));
    EXPECT_EQ(names_of(spec::stats_attrs), yaml.at("attribute-sets/stats"));
    EXPECT_EQ(names_of(spec::source_attrs), yaml.at("attribute-sets/source"));
    EXPECT_EQ(names_of(spec::event_attrs), yaml.at("attribute-sets/event"));
}

TEST(Spec, OperationNamesAreTheYamlOnes) {
    const std::vector<std::string> ours(std::begin(spec::operations) + 1,
                                        std::end(spec::operations));
    EXPECT_EQ(ours, read_spec_names().at("operations"));
}

TEST(Spec, EncapNames) {
    EXPECT_EQ(spec::encap_name(SPIRECOVERY_ENCAP_NONE), "none");
    EXPECT_EQ(spec::encap_name(SPIRECOVERY_ENCAP_ESPINUDP), "espinudp");
    EXPECT_FALSE(spec::encap_name(1));
}

} // namespace
} // namespace spirecovery::ctl
