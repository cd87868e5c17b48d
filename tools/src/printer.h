// SPDX-License-Identifier: GPL-2.0
// One output path for text and JSON, in the manner of iproute2's print_*(PRINT_ANY, ...): a
// renderer describes each value once, with its JSON key and its text template, and the printer
// writes whichever form was asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace spirecovery::ctl {

// A value in both forms. The JSON form is a literal (number, quoted string or null); the text
// form defaults to the same value unquoted and can be replaced with shown_as().
class Value {
public:
    static Value number(std::uint64_t n);
    static Value decimal(std::string_view literal); // a JSON number written as given ("12.5")
    static Value string(std::string_view s);
    static Value null();

    Value shown_as(std::string text) &&;

    const std::string& json() const { return json_; }
    const std::string& text() const { return text_; }

private:
    Value(std::string json, std::string text) : json_(std::move(json)), text_(std::move(text)) {}
    std::string json_;
    std::string text_;
};

// Which output a call is for: most values appear in both; some only make sense in one.
enum class Only { none, text, json };

struct OutputFormat {
    bool json = false;
    bool pretty = false;
};

class Printer {
public:
    virtual ~Printer() = default;

    // Containers exist only in JSON; `key` is empty inside an array or at the top.
    virtual void begin_object(std::string_view key = {}) = 0;
    virtual void end_object() = 0;
    virtual void begin_array(std::string_view key = {}) = 0;
    virtual void end_array() = 0;

    // JSON: "key": value. Text: `text_template` with its one placeholder replaced by the value's
    // text form. A placeholder is "{}", "{:<N}" (left-aligned in N columns) or "{:>N}".
    virtual void field(std::string_view key, std::string_view text_template, const Value& value,
                       Only only = Only::none) = 0;

    // Text only: literal text, and padding up to a column of the current line.
    virtual void text(std::string_view s) = 0;
    virtual void pad_to(std::size_t column) = 0;

    // Ends one top-level value (a JSON document, or a monitor event) and flushes it.
    virtual void end_record() = 0;
};

std::unique_ptr<Printer> make_printer(std::ostream& out, OutputFormat format);

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

// `text_template` with its placeholder replaced by `value` (see Printer::field).
std::string fill_template(std::string_view text_template, std::string_view value);

} // namespace spirecovery::ctl
