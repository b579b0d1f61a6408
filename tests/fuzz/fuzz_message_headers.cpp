// Fuzz target: the header helpers bounce-parse's backfill runs over stored mail (any message a mailbox
// holds): header lookup with unfolding, delivery addresses, the Date header.
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/message_headers.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    for (const auto& value : tools::header_values(message, "Delivered-To")) {
        FUZZ_CHECK(value.size() <= size, "header value longer than the message");
    }
    for (const auto& address : tools::delivery_addresses(message)) {
        FUZZ_CHECK(address.size() <= size, "address longer than the message");
    }
    (void)tools::message_date(message);
    return 0;
}
