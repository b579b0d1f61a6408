// Process-wide state the libmilter callbacks reach: the current Policy, swapped atomically on reload,
// and the metrics (null when [metrics] is off).
// libmilter gives callbacks no user pointer besides the per-connection one, hence one global instance.
#pragma once

#include "milter/policy.hpp"

#include <atomic>
#include <memory>

namespace milter {

class MilterMetrics;

class Runtime {
public:
    explicit Runtime(std::shared_ptr<const Policy> initial) : policy_(std::move(initial)) {}

    std::shared_ptr<const Policy> policy() const { return policy_.load(std::memory_order_acquire); }
    void replace_policy(std::shared_ptr<const Policy> next) { policy_.store(std::move(next), std::memory_order_release); }

    // Set before the MTA can connect (before smfi_main); never changed afterwards.
    void set_metrics(MilterMetrics* metrics) { metrics_ = metrics; }
    MilterMetrics* metrics() const { return metrics_; }

private:
    std::atomic<std::shared_ptr<const Policy>> policy_;
    MilterMetrics* metrics_ = nullptr;
};

}  // namespace milter
