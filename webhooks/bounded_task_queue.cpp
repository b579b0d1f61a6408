#include "webhooks/bounded_task_queue.hpp"

namespace webhooks {

BoundedTaskQueue::BoundedTaskQueue(std::size_t workers, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> task) {
    std::unique_lock lock(mutex_);
    has_room_.wait(lock, [this] { return tasks_.size() < max_queued_ || stopping_; });
    // Once stopping, tasks still run: each one owns a connection that it must close.
    tasks_.push_back(std::move(task));
    has_task_.notify_one();
}

void BoundedTaskQueue::shutdown() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    has_task_.notify_all();
    has_room_.notify_all();
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
    workers_.clear();
}

void BoundedTaskQueue::work() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            has_task_.wait(lock, [this] { return !tasks_.empty() || stopping_; });
            if (tasks_.empty()) return;  // stopping and drained
            task = std::move(tasks_.front());
            tasks_.pop_front();
            has_room_.notify_one();
        }
        task();
    }
}

}  // namespace webhooks
