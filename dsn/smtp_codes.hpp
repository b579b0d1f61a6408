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

// Status class digit ('2', '4', '5') or 0.
inline char status_class(std::string_view status) { return status.empty() ? 0 : status[0]; }

}  // namespace dsn::smtp
