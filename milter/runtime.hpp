// Process-wide state the libmilter callbacks reach: the current Policy, swapped atomically on reload.
// libmilter gives callbacks no user pointer besides the per-connection one, hence one global instance.
#pragma once

#include "milter/policy.hpp"

#include <atomic>
#include <memory>

namespace milter {

class Runtime {
public:
    explicit Runtime(std::shared_ptr<const Policy> initial) : policy_(std::move(initial)) {}

    std::shared_ptr<const Policy> policy() const { return policy_.load(std::memory_order_acquire); }
    void replace_policy(std::shared_ptr<const Policy> next) { policy_.store(std::move(next), std::memory_order_release); }

private:
    std::atomic<std::shared_ptr<const Policy>> policy_;
};

}  // namespace milter
