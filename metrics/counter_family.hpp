// Counters told apart by label values (e.g. type="hard", reason="user_unknown"), created on first use.
//
// Hot paths look a child up without a lock and without allocating: the children are published as an
// immutable sorted index behind an atomic pointer. Only the first use of a new label combination takes
// the mutex and publishes a new index; superseded indexes are kept until the family dies, so a reader
// holding an old one never sees freed memory (label sets are small and bounded, so is that garbage).
#pragma once

#include "metrics/counter.hpp"

#include <atomic>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metrics {

class CounterFamily {
public:
    struct Child {
        std::vector<std::string> label_values;
        Counter counter;
    };

    explicit CounterFamily(std::vector<std::string> label_names);
    ~CounterFamily();
    CounterFamily(const CounterFamily&) = delete;
    CounterFamily& operator=(const CounterFamily&) = delete;

    // The counter for these label values (one per label name, in order). Lock-free once the child
    // exists; the first use may allocate and throw std::bad_alloc. Throws std::invalid_argument when
    // the number of values does not match the label names.
    Counter& with(std::span<const std::string_view> label_values);
    Counter& with(std::initializer_list<std::string_view> label_values) {
        return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
    }

    const std::vector<std::string>& label_names() const { return label_names_; }
    // Every child so far, ordered by label values.
    std::vector<const Child*> children() const;

private:
    using Index = std::vector<const Child*>;
    static const Child* find(const Index& index, std::span<const std::string_view> label_values);

    std::vector<std::string> label_names_;
    std::atomic<const Index*> index_;
    std::mutex grow_mutex_;
    std::deque<Child> storage_;                       // stable addresses
    std::vector<std::unique_ptr<const Index>> indexes_;  // current one last
};

}  // namespace metrics
