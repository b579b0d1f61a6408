// Counting from many threads at once, while a scraper renders, loses nothing.
#include "metrics/registry.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace metrics;

TEST_CASE("concurrent counting into new and existing label combinations is exact") {
    Registry r;
    CounterFamily& family = r.counter_family("c_total", "x", {"reason"});
    Histogram& h = r.histogram("h_seconds", "x", fast_seconds_buckets());
    const std::vector<std::string> reasons = {"a", "b", "c", "d", "e", "f", "g", "h"};
    constexpr int kThreads = 4, kPerThread = 20000;

    std::atomic<bool> done{false};
    std::thread scraper([&] {
        while (!done.load()) (void)r.render();
    });
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                family.with({reasons[static_cast<std::size_t>(i + t) % reasons.size()]}).add();
                h.observe(0.001);
            }
        });
    }
    for (auto& w : workers) w.join();
    done.store(true);
    scraper.join();

    std::uint64_t total = 0;
    for (const auto* child : family.children()) total += child->counter.value();
    CHECK(total == kThreads * kPerThread);
    CHECK(family.children().size() == reasons.size());
    CHECK(h.snapshot().count() == kThreads * kPerThread);
}
