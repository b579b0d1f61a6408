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

// "2026-10-04T10:00:00Z".
std::string rfc3339_utc(std::int64_t unix_seconds);

// Parses ISO 8601 / RFC 3339 date-times with optional fractional seconds (any number of digits) and
// a "Z" or ±hh:mm offset; returns seconds since the epoch in UTC.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// Strict non-negative decimal integer (signature timestamps); nullopt on anything else.
std::optional<std::int64_t> parse_unix_seconds(std::string_view text);

}  // namespace webhooks
