// Finding SMTP reply codes (RFC 5321, "550") and enhanced status codes (RFC 3463, "5.1.1") in text.
#pragma once

#include <string>
#include <string_view>

namespace dsn::smtp {

// First enhanced status code "c.s.d" with class 2, 4 or 5, not part of a longer dotted number
// (IP addresses, version strings). Empty when none.
std::string find_status(std::string_view text);

// First SMTP reply code: three digits 2xx-5xx standing alone, followed by a space, '-' or end,
// and not part of a date, time, IP address or longer number. Empty when none.
std::string find_reply_code(std::string_view text);

// "5.1.1 (permanent failure)" -> "5.1.1"; empty when the value has no valid code at its start.
std::string leading_status(std::string_view value);

bool is_status(std::string_view s);

// Removes the "smtp;" type prefix and repeated multi-line reply prefixes ("550-5.1.1 ") from a
// Diagnostic-Code, giving one readable line.
std::string clean_diagnostic(std::string_view value);

// True when `whole` (a cleaned diagnostic) is `first_line` (another, cleaned) with more words after it:
// the same multi-line reply, of which a report kept only the first line. Sendmail's Diagnostic-Code
// and "(reason: ...)" do that, and Gmail's and Microsoft's replies say what they mean on later lines.
bool continues_reply(std::string_view first_line, std::string_view whole);

// Status class digit ('2', '4', '5') or 0.
inline char status_class(std::string_view status) { return status.empty() ? 0 : status[0]; }

}  // namespace dsn::smtp
