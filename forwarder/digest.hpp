// SHA-256 in lowercase hex (OpenSSL): idempotency keys and message fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace forwarder {

std::string sha256_hex(std::string_view data);

}  // namespace forwarder
