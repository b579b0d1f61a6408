// Parsing untrusted JSON request bodies.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

// Nesting deeper than this is refused before parsing: provider payloads are shallow, and deep nesting
// would make recursive JSON code (dump, copy, destruction) exhaust the stack.
inline constexpr int max_json_depth = 64;

// nullopt with `error` set for invalid JSON or excessive nesting. Never throws.
std::optional<nlohmann::json> parse_json_body(std::string_view body, std::string& error);

}  // namespace webhooks
