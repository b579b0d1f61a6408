// Wall-clock helpers: RFC 3339 timestamps for listmonk and millisecond epochs for the outbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace forwarder {

// "2026-07-21T10:00:00Z" (UTC, second precision): what listmonk's created_at parses.
std::string rfc3339(std::chrono::system_clock::time_point when);

std::int64_t epoch_ms(std::chrono::system_clock::time_point when);
inline std::int64_t now_ms() { return epoch_ms(std::chrono::system_clock::now()); }

}  // namespace forwarder
