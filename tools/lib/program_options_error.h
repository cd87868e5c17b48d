// SPDX-License-Identifier: GPL-2.0
// The message of a Boost.Program_options error, built without the library's what().
//
// Boost 1.74's what() replaces each placeholder ("%value%", "%canonical_option%", ...) until
// none is left, so an argument or configuration value that itself contains one never
// terminates: `spirecoveryd --hold-down=%value%` hung. This fills each placeholder of the
// template once, left to right, and never rescans what it inserted. Used by spirecoveryctl and
// spirecoveryd, which both parse untrusted text with Boost.Program_options.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/program_options/errors.hpp>

namespace spirecovery {

namespace program_options_detail {

namespace po = boost::program_options;

// The template and substitutions are protected: a pointer to member formed through a derived
// class is the sanctioned way to read them from outside.
struct ErrorParts : po::error_with_option_name {
    using Replacements = std::vector<std::pair<std::string, std::string>>;

    static Replacements replacements(const po::error_with_option_name& e) {
        auto substitutions = e.*(&ErrorParts::m_substitutions);
        substitutions["canonical_option"] = e.get_option_name();
        substitutions["prefix"] = (e.*(&ErrorParts::get_canonical_option_prefix))();

        Replacements out;
        // A missing value turns "argument ('%value%')" into "argument", and so on.
        for (const auto& [name, token] : e.*(&ErrorParts::m_substitution_defaults)) {
            const auto it = substitutions.find(name);
            if (it == substitutions.end() || it->second.empty())
                out.emplace_back(token.first, token.second);
        }
        for (const auto& [name, value] : substitutions)
            out.emplace_back("%" + name + "%", value);
        return out;
    }
};

} // namespace program_options_detail

inline std::string program_options_message(const boost::program_options::error& e) {
    const auto* named = dynamic_cast<const boost::program_options::error_with_option_name*>(&e);
    if (!named)
        return e.what(); // a fixed text: nothing from the input in it

    const auto replacements = program_options_detail::ErrorParts::replacements(*named);
    const std::string& text = named->m_error_template;
    std::string message;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::pair<std::string, std::string>* match = nullptr;
        for (const auto& r : replacements)
            if (!r.first.empty() && text.compare(pos, r.first.size(), r.first) == 0 &&
                (!match || r.first.size() > match->first.size()))
                match = &r;
        if (match) {
            message += match->second;
            pos += match->first.size();
        } else {
            message += text[pos++];
        }
    }
    return message;
}

} // namespace spirecovery
