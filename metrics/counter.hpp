// A monotonically increasing count, safe to bump from any thread without a lock.
#pragma once

#include <atomic>
#include <cstdint>

namespace metrics {

class Counter {
public:
    // Relaxed: a scrape needs each counter's own latest value, not an order between counters.
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

}  // namespace metrics
