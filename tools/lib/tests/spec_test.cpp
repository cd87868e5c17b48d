// SPDX-License-Identifier: GPL-2.0
// The generated tables index by the uapi header's values (both come from the spec, by two
// generators), and the helpers around them.
#include <gtest/gtest.h>

#include "tools/lib/spec.h"

namespace spirecovery::ctl {
namespace {

TEST(Spec, TablesIndexByUapiValues) {
    EXPECT_EQ(spec::config_attrs[SPIRECOVERY_A_CONFIG_SOURCE_RATE].name, "source-rate");
    EXPECT_EQ(spec::stats_attrs[SPIRECOVERY_A_STATS_DISABLED].name, "disabled");
    EXPECT_EQ(spec::source_attrs[SPIRECOVERY_A_SOURCE_ADDR6].size, 16u);
    EXPECT_EQ(spec::event_attrs[SPIRECOVERY_A_EVENT_SPORT].type, spec::Type::u16);
    EXPECT_EQ(spec::event_attrs[SPIRECOVERY_A_EVENT_PAD].size, 0u);
    EXPECT_EQ(spec::operations[SPIRECOVERY_CMD_MISS_NTF], "miss-ntf");
}

TEST(Spec, RangesAreTheChecks) {
    EXPECT_EQ(spec::range_text(spec::config_attrs[SPIRECOVERY_A_CONFIG_ENABLED].range), "0..1");
    EXPECT_EQ(spec::config_attrs[SPIRECOVERY_A_CONFIG_GLOBAL_BURST].range.max,
              std::uint64_t{SPIRECOVERY_BURST_MAX});
    EXPECT_EQ(spec::range_text(spec::config_attrs[SPIRECOVERY_A_CONFIG_IPV6_PREFIX].range),
              "1..128");
}

TEST(Spec, ConfigAttrNamed) {
    EXPECT_EQ(spec::config_attr_named("ipv6-prefix"), SPIRECOVERY_A_CONFIG_IPV6_PREFIX);
    EXPECT_FALSE(spec::config_attr_named("ipv6_prefix"));
}

TEST(Spec, OperationNames) {
    EXPECT_EQ(spec::operation_name(SPIRECOVERY_CMD_SET_CONFIG), "set-config");
    EXPECT_EQ(spec::operation_name(SPIRECOVERY_CMD_MAX + 1), "unknown operation");
}

TEST(Spec, EncapNames) {
    EXPECT_EQ(spec::encap_name(SPIRECOVERY_ENCAP_NONE), "none");
    EXPECT_EQ(spec::encap_name(SPIRECOVERY_ENCAP_ESPINUDP), "espinudp");
    EXPECT_FALSE(spec::encap_name(1));
    EXPECT_FALSE(spec::encap_name(SPIRECOVERY_ENCAP_ESPINUDP + 1));
}

} // namespace
} // namespace spirecovery::ctl
