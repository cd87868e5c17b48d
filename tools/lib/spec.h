// SPDX-License-Identifier: GPL-2.0
// The generic-netlink contract as data: attribute names, types, sizes and ranges per attribute
// set, operation names, enum entries. The tables are generated from
// Documentation/netlink/specs/spirecovery.yaml into spec-gen.h, so names are the spec's: they
// are also the JSON keys and text labels of every output. This file holds the types and helpers.
#pragma once

#include <cstdint>
#include <linux/spirecovery.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spirecovery::ctl::spec {

// An attribute's type as the spec names it.
enum class Type : std::uint8_t { unused, pad, flag, u8, u16, u32, u64, binary, string, nest };

// The values an attribute accepts: its spec "checks", or else its type's whole range.
struct Range {
    std::uint64_t min = 0;
    std::uint64_t max = 0;
};

// One attribute of a set. `size` is the exact payload length, 0 for an attribute without a
// fixed one: pad and flag carry no value, a nest or an unchecked binary any length. `nested` names
// the attribute set of a nest; `multi` marks an attribute that may appear more than once.
struct Attribute {
    std::string_view name;
    Type type = Type::unused;
    unsigned size = 0;
    Range range{};
    std::string_view nested{};
    bool multi = false;
};

} // namespace spirecovery::ctl::spec

// The tables: config_attrs, stats_attrs... operations, encap_names.
#include "tools/lib/spec-gen.h"

namespace spirecovery::ctl::spec {

inline std::string_view operation_name(std::uint8_t cmd) {
    return cmd < std::size(operations) ? operations[cmd] : "unknown operation";
}

// Name of a value of enum "encap", or nothing for one the module never reports.
std::optional<std::string_view> encap_name(std::uint8_t value);

// The configuration attribute whose name is `name` ("source-rate"), as `spirecoveryctl set` and
// spirecoveryd.conf's [module] section spell it; nothing for any other word.
std::optional<std::uint16_t> config_attr_named(std::string_view name);

// "1..1000000": a range as every message shows it.
std::string range_text(const Range& range);

} // namespace spirecovery::ctl::spec
