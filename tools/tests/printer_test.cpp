// SPDX-License-Identifier: GPL-2.0
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "tools/src/printer.h"

namespace spirecovery::ctl {
namespace {

TEST(JsonQuote, EscapesWhatJsonRequires) {
    EXPECT_EQ(json_quote("plain"), "\"plain\"");
    EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_quote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
    EXPECT_EQ(json_quote(std::string("\x01\x1f\x00", 3)), "\"\\u0001\\u001f\\u0000\"");
    EXPECT_EQ(json_quote("\x7f/é"), "\"\x7f/é\"");
}

TEST(FillTemplate, ReplacesThePlaceholder) {
    EXPECT_EQ(fill_template("a {} b", "x"), "a x b");
    EXPECT_EQ(fill_template("[{:<5}]", "ab"), "[ab   ]");
    EXPECT_EQ(fill_template("[{:>5}]", "ab"), "[   ab]");
    EXPECT_EQ(fill_template("[{:>2}]", "abcd"), "[abcd]");
}

TEST(FillTemplate, RejectsAMalformedTemplate) {
    EXPECT_THROW(fill_template("none", "x"), std::logic_error);
    EXPECT_THROW(fill_template("{:5}", "x"), std::logic_error);
    EXPECT_THROW(fill_template("{:<}", "x"), std::logic_error);
    EXPECT_THROW(fill_template("{:<5x}", "x"), std::logic_error);
    EXPECT_THROW(fill_template("{", "x"), std::logic_error);
}

// The same calls, printed three ways.
std::string print(OutputFormat format) {
    std::ostringstream out;
    const auto p = make_printer(out, format);
    p->begin_object();
    p->field("name", "name={}", Value::string("a \"b\""));
    p->text(" and");
    p->pad_to(20);
    p->field("count", "count={}\n", Value::number(3).shown_as("three"));
    p->field("json-only", "{}", Value::null(), Only::json);
    p->field("text-only", "[{}]\n", Value::decimal("1.5"), Only::text);
    p->begin_array("list");
    p->field("", "{}\n", Value::number(1));
    p->begin_object();
    p->end_object();
    p->end_array();
    p->begin_object("empty");
    p->end_object();
    p->end_object();
    p->end_record();
    return out.str();
}

TEST(Printer, TextUsesTheTemplatesAndPadding) {
    EXPECT_EQ(print({}), "name=a \"b\" and      count=three\n[1.5]\n1\n");
}

TEST(Printer, CompactJsonLooksLikePythonJsonDumps) {
    EXPECT_EQ(print({.json = true}),
              "{\"name\": \"a \\\"b\\\"\", \"count\": 3, \"json-only\": null, \"list\": [1, {}], "
              "\"empty\": {}}\n");
}

TEST(Printer, PrettyJsonIndentsByFour) {
    EXPECT_EQ(print({.json = true, .pretty = true}), R"({
    "name": "a \"b\"",
    "count": 3,
    "json-only": null,
    "list": [
        1,
        {}
    ],
    "empty": {}
}
)");
}

TEST(Printer, PadToSeparatesWhenTheColumnIsPassed) {
    std::ostringstream out;
    const auto p = make_printer(out, {});
    p->text("longer than eight");
    p->pad_to(8);
    p->text("x\nab");
    p->pad_to(4);
    p->text("y");
    EXPECT_EQ(out.str(), "longer than eight x\nab  y");
}

} // namespace
} // namespace spirecovery::ctl
