// Signal handling around libmilter. smfi_main() runs its own thread that sigwait()s SIGHUP, SIGTERM and
// SIGINT and stops the filter on them, so SIGHUP cannot mean "reload" here: reload is SIGUSR1, taken by
// a thread of our own. All four signals must be blocked in every thread, so block them before any
// thread is started.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace milter {

// Blocks SIGHUP, SIGTERM, SIGINT and SIGUSR1 in the calling thread (inherited by threads it starts).
void block_control_signals();

// Runs `on_reload` for every SIGUSR1 on a dedicated thread until stop() (or destruction).
class ReloadSignalThread {
public:
    explicit ReloadSignalThread(std::function<void()> on_reload);
    ~ReloadSignalThread();
    ReloadSignalThread(const ReloadSignalThread&) = delete;
    ReloadSignalThread& operator=(const ReloadSignalThread&) = delete;
    void stop();

private:
    void run();
    std::function<void()> on_reload_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
};

}  // namespace milter
