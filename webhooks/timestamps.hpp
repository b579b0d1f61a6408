// Converting provider timestamps to the RFC 3339 UTC form listmonk accepts for created_at.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

// Seconds since the epoch. Injected everywhere freshness is checked, so tests can pin it.
using Clock = std::function<std::int64_t()>;
Clock system_clock();

// 9999-12-31T23:59:59Z, the last second with a four-digit year.
inline constexpr std::int64_t max_rfc3339_seconds = 253402300799;

// "2026-10-04T10:00:00Z". Times outside 1970..9999 are clamped to that range (callers pass checked
// values; the clamp only guarantees that the text is always RFC 3339).
std::string rfc3339_utc(std::int64_t unix_seconds);

// Parses ISO 8601 / RFC 3339 date-times with optional fractional seconds (any number of digits) and
// a "Z" or ±hh:mm offset; returns seconds since the epoch in UTC. nullopt for times before 1970 or
// after 9999 too: providers send neither, and created_at must stay a date listmonk can read.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// A provider's numeric timestamp (seconds, maybe fractional) as whole seconds; nullopt unless it is
// finite and within 1970..9999. Converting an arbitrary JSON number straight to an integer is
// undefined behaviour once it is out of range (1e300), and far dates make no created_at.
std::optional<std::int64_t> unix_seconds_from_number(double seconds);

// Strict non-negative decimal integer (signature timestamps); nullopt on anything else.
std::optional<std::int64_t> parse_unix_seconds(std::string_view text);

}  // namespace webhooks
