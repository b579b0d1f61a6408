#pragma once
// Caps the length of header fields before GMime sees them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dsn {

// GMime grows its buffer for one header field in small steps; with an allocator that cannot grow a
// block in place (AddressSanitizer's never does) an 8 MB field cost minutes of copying. No real
// field is near this size: RFC 5322 caps a line at 998 bytes and bounces fold far below that.
inline constexpr std::size_t kMaxHeaderFieldBytes = 64 * 1024;

// The message (LF line ends) with every header field longer than `limit` cut to its first `limit`
// bytes, continuation lines included; nullopt when no field is that long (the common case, no copy).
// Every line is metered so (see header_clip.cpp): body lines over the limit are cut as well.
std::optional<std::string> clip_long_header_fields(std::string_view message,
                                                   std::size_t limit = kMaxHeaderFieldBytes);

}  // namespace dsn
