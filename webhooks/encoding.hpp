// Byte encodings used by provider signatures: base64 (standard alphabet) and hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

// Decodes standard base64 with padding. Returns nullopt on any invalid character, bad length or
// bad padding. Uses EVP_DecodeUpdate/Final, never EVP_DecodeBlock, whose length counts padding.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// Lowercase hex of arbitrary bytes.
std::string hex_encode(std::string_view bytes);
// Accepts upper- or lowercase hex of even length; nullopt otherwise.
std::optional<std::string> hex_decode(std::string_view text);

// application/x-www-form-urlencoded component decoding: '+' -> space, then %XX. nullopt on a bad escape.
std::optional<std::string> form_decode(std::string_view text);

}  // namespace webhooks
