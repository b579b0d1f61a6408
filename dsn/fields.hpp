// RFC 822-style field blocks, as found in message/delivery-status, message/feedback-report and
// text/rfc822-headers: "Name: value" lines, folded continuation lines, groups split by blank lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dsn {

struct Field {
    std::string name;   // as written
    std::string value;  // unfolded, trimmed
};

class Fields {
public:
    Fields() = default;
    explicit Fields(std::vector<Field> fields) : fields_(std::move(fields)) {}

    // First value of `name` (case-insensitive), or empty.
    std::string_view get(std::string_view name) const;
    bool has(std::string_view name) const;
    std::vector<std::string_view> get_all(std::string_view name) const;
    bool empty() const { return fields_.empty(); }
    const std::vector<Field>& all() const { return fields_; }
    void add(std::string name, std::string value) { fields_.push_back({std::move(name), std::move(value)}); }

private:
    std::vector<Field> fields_;
};

// Parses one block of fields. Lines that are not fields (no colon, or a name with spaces) end
// nothing: they are skipped, so a stray line of prose does not lose the fields after it.
Fields parse_fields(std::string_view block);

// Splits on blank lines and parses each non-empty group.
std::vector<Fields> parse_field_groups(std::string_view content);

// Like parse_fields, but stops at the first blank line (a header section followed by a body).
Fields parse_header_section(std::string_view content);

}  // namespace dsn
