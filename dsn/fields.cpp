#include "dsn/fields.hpp"

#include "dsn/text.hpp"

namespace dsn {
namespace {

bool is_field_name(std::string_view name) {
    if (name.empty() || name.size() > 76) return false;
    for (char c : name) {
        if (c <= ' ' || c >= 127) return false;
    }
    return true;
}

bool is_blank(std::string_view line) { return text::trim(line).empty(); }

}  // namespace

std::string_view Fields::get(std::string_view name) const {
    for (const auto& f : fields_)
        if (text::iequals(f.name, name)) return f.value;
    return {};
}

bool Fields::has(std::string_view name) const {
    for (const auto& f : fields_)
        if (text::iequals(f.name, name)) return true;
    return false;
}

std::vector<std::string_view> Fields::get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& f : fields_)
        if (text::iequals(f.name, name)) out.push_back(f.value);
    return out;
}

Fields parse_fields(std::string_view block) {
    std::vector<Field> fields;
    bool last_was_field = false;
    for (std::string_view line : text::split_lines(block)) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            if (last_was_field) {
                std::string_view more = text::trim(line);
                if (!more.empty()) {
                    if (!fields.back().value.empty()) fields.back().value.push_back(' ');
                    fields.back().value.append(more);
                }
            }
            continue;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_field_name(line.substr(0, colon))) {
            last_was_field = false;
            continue;
        }
        fields.push_back({std::string(line.substr(0, colon)), std::string(text::trim(line.substr(colon + 1)))});
        last_was_field = true;
    }
    return Fields(std::move(fields));
}

std::vector<Fields> parse_field_groups(std::string_view content) {
    std::vector<Fields> groups;
    auto lines = text::split_lines(content);
    std::size_t group_begin = 0;
    bool in_group = false;
    for (auto line : lines) {
        std::size_t line_begin = static_cast<std::size_t>(line.data() - content.data());
        if (is_blank(line)) {
            if (in_group) {
                Fields f = parse_fields(content.substr(group_begin, line_begin - group_begin));
                if (!f.empty()) groups.push_back(std::move(f));
                in_group = false;
            }
        } else if (!in_group) {
            group_begin = line_begin;
            in_group = true;
        }
    }
    if (in_group) {
        Fields f = parse_fields(content.substr(group_begin));
        if (!f.empty()) groups.push_back(std::move(f));
    }
    return groups;
}

Fields parse_header_section(std::string_view content) {
    std::size_t end = 0;
    while (end < content.size()) {
        std::size_t nl = content.find('\n', end);
        std::string_view line = content.substr(end, nl == std::string_view::npos ? std::string_view::npos : nl - end);
        if (is_blank(line)) break;
        if (nl == std::string_view::npos) {
            end = content.size();
            break;
        }
        end = nl + 1;
    }
    return parse_fields(content.substr(0, end));
}

}  // namespace dsn
