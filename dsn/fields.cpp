#include "dsn/fields.hpp"

#include "dsn/text.hpp"

#include <cstring>
#include <stdexcept>

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

Fields::Fields(const Fields& other) { *this = other; }

Fields& Fields::operator=(const Fields& other) {
    if (this == &other) return *this;
    fields_.clear();
    storage_.reset();
    capacity_ = used_ = 0;
    reserve(other.fields_.size(), other.used_);
    if (other.used_ > 0) std::memcpy(storage_.get(), other.storage_.get(), other.used_);
    used_ = other.used_;
    // The same text at the same offsets in the new buffer.
    const char* const from = other.storage_.get();
    const char* const to = storage_.get();
    auto rebase = [&](std::string_view v) {
        return v.empty() ? std::string_view{} : std::string_view(to + (v.data() - from), v.size());
    };
    for (const auto& f : other.fields_) fields_.push_back({rebase(f.name), rebase(f.value)});
    return *this;
}

void Fields::reserve(std::size_t fields, std::size_t text_bytes) {
    fields_.reserve(fields_.size() + fields);
    if (used_ + text_bytes <= capacity_) return;
    // Growing would move the text under the views already handed out: only a first reserve may
    // allocate, and the builders below reserve once for everything they add.
    if (storage_ && !fields_.empty()) throw std::logic_error("Fields::reserve after fields were added");
    storage_ = std::make_unique_for_overwrite<char[]>(text_bytes);
    capacity_ = text_bytes;
    used_ = 0;
}

void Fields::add_squeezed(std::string_view name, std::string_view value) {
    if (used_ + name.size() + value.size() > capacity_) throw std::logic_error("Fields::add_squeezed beyond reserve");
    char* const name_at = write_at();
    if (!name.empty()) std::memcpy(name_at, name.data(), name.size());
    used_ += name.size();
    char* const value_at = write_at();
    char* const value_end = text::squeeze_spaces_to(value, value_at);
    used_ += static_cast<std::size_t>(value_end - value_at);
    fields_.push_back({std::string_view(name_at, name.size()),
                       std::string_view(value_at, static_cast<std::size_t>(value_end - value_at))});
}

void Fields::add(std::string_view name, std::string_view value) {
    if (used_ + name.size() + value.size() > capacity_) throw std::logic_error("Fields::add beyond reserve");
    char* const name_at = write_at();
    if (!name.empty()) std::memcpy(name_at, name.data(), name.size());
    used_ += name.size();
    char* const value_at = write_at();
    if (!value.empty()) std::memcpy(value_at, value.data(), value.size());
    used_ += value.size();
    fields_.push_back({std::string_view(name_at, name.size()), std::string_view(value_at, value.size())});
}

void Fields::extend_last(std::string_view more) {
    if (fields_.empty() || more.empty()) return;
    if (used_ + more.size() + 1 > capacity_) throw std::logic_error("Fields::extend_last beyond reserve");
    Field& last = fields_.back();
    // The last value ends where the buffer's used part ends, so it grows in place.
    const char* const value_at = last.value.empty() ? write_at() : last.value.data();
    std::size_t size = last.value.size();
    if (size > 0) {
        *write_at() = ' ';
        ++used_;
        ++size;
    }
    std::memcpy(write_at(), more.data(), more.size());
    used_ += more.size();
    last.value = std::string_view(value_at, size + more.size());
}

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
    Fields fields;
    // Names and trimmed values never add up to more than the block: each line loses its colon,
    // and a continuation line's joining space replaces at least its leading white space.
    fields.reserve(0, block.size());
    bool last_was_field = false;
    for (std::string_view line : text::split_lines(block)) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            if (last_was_field) fields.extend_last(text::trim(line));
            continue;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_field_name(line.substr(0, colon))) {
            last_was_field = false;
            continue;
        }
        fields.add(line.substr(0, colon), text::trim(line.substr(colon + 1)));
        last_was_field = true;
    }
    return fields;
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
