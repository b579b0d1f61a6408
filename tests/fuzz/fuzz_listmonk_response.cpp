// Fuzz target: how the listmonk sink classifies listmonk's HTTP answer (status + body from the network).
// Input layout: two bytes of HTTP status (big-endian, taken modulo 1000), then the response body.
#include "forwarder/listmonk_sink.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const long status = ((static_cast<long>(data[0]) << 8) | data[1]) % 1000;
    const std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
    using Kind = forwarder::DeliveryResult::Kind;
    forwarder::DeliveryResult result;
    try {
        result = forwarder::classify_listmonk_response(status, body);
    } catch (...) {
        // deliver() would turn this into a retry, but the classifier is meant to answer every body.
        FUZZ_CHECK(false, "classify_listmonk_response threw");
    }
    if (status >= 200 && status < 300) {
        FUZZ_CHECK(result.kind == Kind::delivered, "2xx not delivered");
    } else if (status == 400) {
        // Only a 400 drops an event (to the dead letters): listmonk refused this very event.
        FUZZ_CHECK(result.kind == Kind::permanent, "400 not permanent");
    } else {
        FUZZ_CHECK(result.kind == Kind::retry, "non-2xx, non-400 answer not retried: an event could be lost");
    }
    if (result.kind != Kind::delivered) {
        FUZZ_CHECK(!result.reason.empty(), "failure without a reason");
        // The reason becomes one log line and the outbox's last_error: bounded, and no CR/LF that
        // could forge further log lines.
        FUZZ_CHECK(result.reason.size() <= 400, "reason grows with the response");
        for (const char c : result.reason) {
            FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, "control character in the reason");
        }
    }
    return 0;
}
