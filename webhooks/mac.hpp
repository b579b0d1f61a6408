// Message authentication codes and constant-time comparisons.
#pragma once

#include <string>
#include <string_view>

namespace webhooks {

// Raw (binary) HMAC digests.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha1(std::string_view key, std::string_view data);
std::string sha256(std::string_view data);

// Constant-time equality of two byte strings; different lengths are unequal (the length itself is not secret).
bool bytes_equal(std::string_view a, std::string_view b);

// Constant-time equality of a presented credential with the configured one. Both sides are hashed
// first so neither the length nor the content of the secret leaks through timing.
bool secret_equal(std::string_view presented, std::string_view expected);

}  // namespace webhooks
