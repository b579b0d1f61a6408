// The few header facts a stored bounce still carries about its delivery, for backfilling mail that
// did not come through the milter: where it was delivered (VERP tokens) and when it arrived.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tools {

// Unfolded values of every header field `name` (case-insensitive) in the message's header block.
std::vector<std::string> header_values(std::string_view message, std::string_view name);

// Addresses the message was delivered to, as local delivery agents record them (Delivered-To,
// X-Original-To, Envelope-To, X-Envelope-To), then To: a stand-in for the SMTP RCPT TO.
std::vector<std::string> delivery_addresses(std::string_view message);

// The Date header (RFC 5322, with or without weekday), when it parses.
std::optional<std::chrono::system_clock::time_point> message_date(std::string_view message);

}  // namespace tools
