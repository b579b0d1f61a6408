// httplib's ThreadPool queues accepted connections without limit; under a connection flood that means
// unbounded memory and file descriptors. This pool has a fixed number of workers and a bounded queue:
// when it is full the accepting thread waits, so the excess stays in the kernel's listen backlog.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace webhooks {

class BoundedTaskQueue final : public httplib::TaskQueue {
public:
    BoundedTaskQueue(std::size_t workers, std::size_t max_queued);
    ~BoundedTaskQueue() override;

    void enqueue(std::function<void()> task) override;
    void shutdown() override;

private:
    void work();

    std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable has_task_;
    std::condition_variable has_room_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace webhooks
