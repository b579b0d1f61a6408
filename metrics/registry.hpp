// The metrics one program exposes: families registered at start-up, rendered on every scrape.
//
// Counters, labelled counter families and histograms live here and are updated lock-free by the
// program. Values that already exist elsewhere (rows in the outbox, a loop's own counters) are read by
// collectors at scrape time instead of being mirrored on every change.
#pragma once

#include "metrics/counter.hpp"
#include "metrics/counter_family.hpp"
#include "metrics/histogram.hpp"
#include "metrics/text_format.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace metrics {

class Registry {
public:
    using Collector = std::function<std::vector<FamilySnapshot>()>;

    Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Each throws std::invalid_argument for a malformed or already registered name. The returned
    // references stay valid as long as the registry.
    Counter& counter(const std::string& name, const std::string& help);
    CounterFamily& counter_family(const std::string& name, const std::string& help, std::vector<std::string> label_names);
    Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds);
    // Called on every scrape, from the exporter's thread; must be thread-safe against the program.
    // An exception from it is reported as a comment line and the scrape goes on.
    void add_collector(Collector collector);

    // The whole exposition, families in registration order (collectors' after the fixed ones).
    std::string render() const;

private:
    struct Entry {
        std::string name, help;
        Type type = Type::counter;
        std::unique_ptr<Counter> counter;
        std::unique_ptr<CounterFamily> family;
        std::unique_ptr<Histogram> histogram;
    };
    Entry& add(const std::string& name, const std::string& help, Type type);

    mutable std::mutex mutex_;  // guards the lists (registration vs. scrape), never the values
    std::deque<Entry> entries_;
    std::vector<Collector> collectors_;
};

}  // namespace metrics
