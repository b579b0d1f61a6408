// Small string helpers used throughout the parser. ASCII case folding only: every keyword we
// look for is ASCII, and the text around it may be in any charset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dsn::text {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
// Most comparisons (field names, commands) are between strings of different lengths: that test
// is inlined, the byte comparison is not.
bool iequals_bytes(const char* a, const char* b, std::size_t size);
inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && iequals_bytes(a.data(), b.data(), a.size());
}
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// Case-insensitive search; `needle` must already be lower case.
std::size_t ifind(std::string_view haystack, std::string_view lower_needle, std::size_t from = 0);
inline bool icontains(std::string_view haystack, std::string_view lower_needle) {
    return ifind(haystack, lower_needle) != std::string_view::npos;
}

// Converts CRLF and lone CR to LF. Returns the input unchanged when it holds no CR.
std::string normalize_newlines(std::string_view s);
// The same written to `out` (replacing its contents), so that a caller can reuse one buffer.
void normalize_newlines_into(std::string_view s, std::string& out);

// Splits on LF; the pieces point into `s`.
std::vector<std::string_view> split_lines(std::string_view s);

// Joins a folded value (continuation lines starting with white space) into one line and
// collapses runs of white space to one space.
std::string squeeze_spaces(std::string_view s);
// The same written to `out`, which must have room for s.size() bytes (all of which may be
// written); returns the end of what was written.
char* squeeze_spaces_to(std::string_view s, char* out);

// Removes HTML tags and decodes the handful of entities that appear in bounce notices.
std::string html_to_text(std::string_view html);

}  // namespace dsn::text
