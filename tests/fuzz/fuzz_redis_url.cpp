// Fuzz target: the redis:// URL parser and the redaction used before a URL reaches a log line or a
// configuration error. Whatever password the parser would send to Redis, the redacted URL must hide it.
#include "conf/redact_url.hpp"
#include "conf/redis_url.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string url(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto endpoint = conf::parse_redis_url(url, error);
    FUZZ_CHECK(endpoint.has_value() == error.empty(), "parser result and error disagree");
    const std::string redacted = conf::redact_url(url);
    if (!endpoint || endpoint->password.empty()) return 0;
    FUZZ_CHECK(endpoint->port >= 1 && endpoint->port <= 65535, "port out of range");
    std::string reparse_error;
    const auto seen_in_log = conf::parse_redis_url(redacted, reparse_error);
    FUZZ_CHECK(seen_in_log.has_value(), "redaction broke a valid URL");
    FUZZ_CHECK(seen_in_log->password == "***", "password visible after redaction");
    FUZZ_CHECK(seen_in_log->username == endpoint->username, "redaction changed the user name");
    FUZZ_CHECK(seen_in_log->host == endpoint->host && seen_in_log->port == endpoint->port, "redaction changed the host");
    return 0;
}
