// RFC 822-style field blocks, as found in message/delivery-status, message/feedback-report and
// text/rfc822-headers: "Name: value" lines, folded continuation lines, groups split by blank lines.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dsn {

struct Field {
    std::string_view name;   // as written
    std::string_view value;  // unfolded, trimmed
};

// The fields keep their text in one buffer of their own, which the views of `all()` point into:
// a message has a few dozen header fields, and a string or two for each was a tenth of the
// allocations of loading it. Copies get a buffer of their own; moves keep the buffer.
class Fields {
public:
    Fields() = default;
    Fields(const Fields& other);
    Fields& operator=(const Fields& other);
    Fields(Fields&&) noexcept = default;
    Fields& operator=(Fields&&) noexcept = default;

    // First value of `name` (case-insensitive), or empty.
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    std::vector<std::string_view> get_all(std::string_view name) const;
    bool empty() const { return fields_.empty(); }
    const std::vector<Field>& all() const { return fields_; }

    // Building: reserve() the total size of the text once (names and values as given, before any
    // squeezing), then add fields; each call writes into the reserved buffer.
    void reserve(std::size_t fields, std::size_t text_bytes);
    // Adds `name` with `value` unfolded and its white space squeezed (text::squeeze_spaces).
    // Needs name.size() + value.size() bytes of the reserved room.
    void add_squeezed(std::string_view name, std::string_view value);
    // Adds `name` with `value` as given. Needs name.size() + value.size() bytes of room.
    void add(std::string_view name, std::string_view value);
    // Appends `more` to the value of the last field added, after a space when that value is not
    // empty. Needs more.size() + 1 bytes of room.
    void extend_last(std::string_view more);

private:
    char* write_at() { return storage_.get() + used_; }
    std::vector<Field> fields_;
    std::unique_ptr<char[]> storage_;
    std::size_t capacity_ = 0;
    std::size_t used_ = 0;
};

// Parses one block of fields. Lines that are not fields (no colon, or a name with spaces) end
// nothing: they are skipped, so a stray line of prose does not lose the fields after it.
Fields parse_fields(std::string_view block);

// Splits on blank lines and parses each non-empty group.
std::vector<Fields> parse_field_groups(std::string_view content);

// Like parse_fields, but stops at the first blank line (a header section followed by a body).
Fields parse_header_section(std::string_view content);

}  // namespace dsn
