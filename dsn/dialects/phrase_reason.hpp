// A dialect's own wording and the reason it stands for: the small tables in which appliance and
// MTA dialects state what their fixed sentences mean, kept as data next to each dialect.
#pragma once

#include "dsn/text.hpp"

#include <span>
#include <string_view>

namespace dsn::dialects {

struct PhraseReason {
    std::string_view phrase;  // lower case (ASCII) or UTF-8 as written
    std::string_view reason;  // Sisimai v5.1 reason
};

// The reason of the first entry whose phrase occurs in `text`, or empty.
inline std::string_view reason_by_phrase(std::string_view text, std::span<const PhraseReason> table) {
    for (const auto& entry : table)
        if (text::icontains(text, entry.phrase)) return entry.reason;
    return {};
}

// The lines of `text` after the first line containing `lower_begin` and before the first
// following line containing `lower_end` (or the end). Empty when `lower_begin` is absent.
inline std::string_view section_between(std::string_view text, std::string_view lower_begin,
                                        std::string_view lower_end) {
    std::size_t at = text::ifind(text, lower_begin);
    if (at == std::string_view::npos) return {};
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) return {};
    std::string_view rest = text.substr(eol + 1);
    if (lower_end.empty()) return rest;
    std::size_t end = text::ifind(rest, lower_end);
    if (end == std::string_view::npos) return rest;
    std::size_t line = rest.rfind('\n', end);
    return rest.substr(0, line == std::string_view::npos ? 0 : line + 1);
}

}  // namespace dsn::dialects
