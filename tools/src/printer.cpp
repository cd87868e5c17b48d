// SPDX-License-Identifier: GPL-2.0
#include "tools/src/printer.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace spirecovery::ctl {

Value Value::number(std::uint64_t n) {
    return Value(std::to_string(n), std::to_string(n));
}

Value Value::decimal(std::string_view literal) {
    return Value(std::string(literal), std::string(literal));
}

Value Value::string(std::string_view s) {
    return Value(json_quote(s), std::string(s));
}

Value Value::null() {
    return Value("null", "-");
}

Value Value::shown_as(std::string text) && {
    text_ = std::move(text);
    return std::move(*this);
}

// Valid UTF-8 in, valid JSON out: quotes, backslashes and control characters are escaped, every
// other byte is copied.
std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buf[sizeof "\\u0000"];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
    return out;
}

std::string fill_template(std::string_view text_template, std::string_view value) {
    const auto open = text_template.find('{');
    const auto close = text_template.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos)
        throw std::logic_error("text template without a placeholder: " +
                               std::string(text_template));
    const std::string_view spec = text_template.substr(open + 1, close - open - 1);

    std::string filled(value);
    if (!spec.empty()) {
        std::size_t width = 0;
        const bool aligned =
            spec.size() > 2 && spec[0] == ':' && (spec[1] == '<' || spec[1] == '>');
        const auto [end, ec] =
            aligned ? std::from_chars(spec.data() + 2, spec.data() + spec.size(), width)
                    : std::from_chars_result{spec.data(), std::errc::invalid_argument};
        if (ec != std::errc() || end != spec.data() + spec.size())
            throw std::logic_error("bad placeholder in text template: " +
                                   std::string(text_template));
        if (filled.size() < width) {
            const std::string padding(width - filled.size(), ' ');
            filled = spec[1] == '<' ? filled + padding : padding + filled;
        }
    }
    return std::string(text_template.substr(0, open)) + filled +
           std::string(text_template.substr(close + 1));
}

namespace {

class TextPrinter final : public Printer {
public:
    explicit TextPrinter(std::ostream& out) : out_(out) {}

    void begin_object(std::string_view) override {}
    void end_object() override {}
    void begin_array(std::string_view) override {}
    void end_array() override {}

    void field(std::string_view, std::string_view text_template, const Value& value,
               Only only) override {
        if (only != Only::json)
            text(fill_template(text_template, value.text()));
    }

    void text(std::string_view s) override {
        out_ << s;
        const auto newline = s.rfind('\n');
        column_ = newline == std::string_view::npos ? column_ + s.size() : s.size() - newline - 1;
    }

    void pad_to(std::size_t column) override {
        text(std::string(column > column_ ? column - column_ : 1, ' '));
    }

    void end_record() override { out_.flush(); }

private:
    std::ostream& out_;
    std::size_t column_ = 0;
};

class JsonPrinter final : public Printer {
public:
    JsonPrinter(std::ostream& out, bool pretty) : out_(out), pretty_(pretty) {}

    void begin_object(std::string_view key) override { open(key, '{', false); }
    void end_object() override { close('}'); }
    void begin_array(std::string_view key) override { open(key, '[', true); }
    void end_array() override { close(']'); }

    void field(std::string_view key, std::string_view, const Value& value, Only only) override {
        if (only == Only::text)
            return;
        member(key);
        out_ << value.json();
    }

    void text(std::string_view) override {}
    void pad_to(std::size_t) override {}

    void end_record() override {
        out_ << '\n';
        out_.flush();
    }

private:
    struct Level {
        bool is_array;
        bool empty = true;
    };

    // Starts a member of the current container: separator, indentation, key.
    void member(std::string_view key) {
        if (!levels_.empty()) {
            Level& level = levels_.back();
            if (!level.empty)
                out_ << (pretty_ ? "," : ", ");
            level.empty = false;
            newline();
            if (!level.is_array)
                out_ << json_quote(key) << ": ";
        }
    }

    void open(std::string_view key, char bracket, bool is_array) {
        member(key);
        out_ << bracket;
        levels_.push_back({is_array});
    }

    void close(char bracket) {
        const bool empty = levels_.back().empty;
        levels_.pop_back();
        if (!empty)
            newline();
        out_ << bracket;
    }

    void newline() {
        if (pretty_)
            out_ << '\n' << std::string(4 * levels_.size(), ' ');
    }

    std::ostream& out_;
    bool pretty_;
    std::vector<Level> levels_;
};

} // namespace

std::unique_ptr<Printer> make_printer(std::ostream& out, OutputFormat format) {
    if (format.json)
        return std::make_unique<JsonPrinter>(out, format.pretty);
    return std::make_unique<TextPrinter>(out);
}

} // namespace spirecovery::ctl
