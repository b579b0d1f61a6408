// A distribution over fixed buckets (Prometheus histogram): lock-free to observe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace metrics {

class Histogram {
public:
    struct Snapshot {
        std::vector<double> upper_bounds;    // finite bounds, ascending; +Inf is implied
        std::vector<std::uint64_t> cumulative;  // observations <= each bound, then the +Inf total last
        double sum = 0;
        std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
    };

    // `upper_bounds` must be finite, strictly ascending and non-empty (std::invalid_argument otherwise).
    explicit Histogram(std::vector<double> upper_bounds);

    // Counts `value` in the first bucket whose bound is >= value (Prometheus "le"). NaN is ignored.
    void observe(double value) noexcept;
    void observe(std::chrono::steady_clock::duration elapsed) noexcept {
        observe(std::chrono::duration<double>(elapsed).count());
    }

    Snapshot snapshot() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative; +Inf last
    std::atomic<double> sum_{0};
};

// Seconds from 50 µs to 1 s in roughly 1-2.5-5 steps: where message parsing and local work fall.
std::vector<double> fast_seconds_buckets();
// Seconds from 1 ms to 30 s: network round trips such as an HTTP POST.
std::vector<double> network_seconds_buckets();

}  // namespace metrics
