#include "milter/shutdown_gate.hpp"

namespace milter {

bool ShutdownGate::enter() {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    ++inside_;
    return true;
}

void ShutdownGate::leave() {
    {
        std::lock_guard lock(mutex_);
        if (inside_ > 0) --inside_;
    }
    left_.notify_all();
}

void ShutdownGate::close() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    left_.wait(lock, [this] { return inside_ == 0; });
}

std::size_t ShutdownGate::inside() const {
    std::lock_guard lock(mutex_);
    return inside_;
}

}  // namespace milter
