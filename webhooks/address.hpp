// Recipient and identifier normalization shared by all providers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

// Reduces "Name <User@Example.com>", "<user@example.com>" or a bare address to a lowercased, trimmed
// bare addr-spec. nullopt when nothing address-shaped is left (listmonk rejects such emails with 400).
std::optional<std::string> bare_address(std::string_view text);

// 8-4-4-4-12 hex, either case (what listmonk accepts as a UUID).
bool is_uuid(std::string_view text);

// The value when it is UUID-shaped (lowercased), otherwise empty: a non-UUID campaign_uuid would make
// listmonk drop the whole bounce.
std::string uuid_or_empty(std::string_view text);

}  // namespace webhooks
