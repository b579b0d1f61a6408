// Tolerant accessors for provider JSON: providers change field types between versions, so a wrong
// type reads as "absent" instead of throwing.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

// The member as a string: strings as-is, numbers and booleans in their JSON text; empty when absent or null.
std::string string_field(const nlohmann::json& object, std::string_view key);
// The member when it is an object/array, else nullptr.
const nlohmann::json* object_field(const nlohmann::json& object, std::string_view key);
const nlohmann::json* array_field(const nlohmann::json& object, std::string_view key);
// Numbers, or strings holding a decimal number.
std::optional<double> number_field(const nlohmann::json& object, std::string_view key);
// The same, truncated to an int; nullopt when it does not fit (converting would be undefined behaviour).
std::optional<int> int_field(const nlohmann::json& object, std::string_view key);
bool bool_field(const nlohmann::json& object, std::string_view key);

// Case-insensitive lookup of a header value in either provider shape: an array of {"name","value"}
// objects, or an object mapping names to values.
std::string header_value(const nlohmann::json& headers, std::string_view name);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);
std::string lowercase(std::string_view s);

}  // namespace webhooks

namespace webhooks {

// A campaign (or subscriber) UUID carried in a free-form custom value set at send time: either a JSON
// object holding `field` (or `fallback_field`), or - when `bare_uuid_allowed` - the bare UUID itself.
// Empty when neither.
std::string custom_value(std::string_view text, std::string_view field, std::string_view fallback_field,
                         bool bare_uuid_allowed);

}  // namespace webhooks
