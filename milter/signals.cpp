#include "milter/signals.hpp"

#include "forwarder/log.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace milter {

void block_control_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr);
    if (rc != 0) throw std::runtime_error(std::string("pthread_sigmask: ") + std::strerror(rc));
}

ReloadSignalThread::ReloadSignalThread(std::function<void()> on_reload) : on_reload_(std::move(on_reload)) {
    thread_ = std::thread([this] { run(); });
}

ReloadSignalThread::~ReloadSignalThread() { stop(); }

void ReloadSignalThread::stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    // The signal is blocked everywhere, so directing it at the thread makes its sigwait() return.
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
}

void ReloadSignalThread::run() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        int signal = 0;
        if (sigwait(&set, &signal) != 0) continue;
        if (stopping_) return;
        try {
            on_reload_();
        } catch (const std::exception& e) {
            forwarder::log::error(std::string("reload failed: ") + e.what());
        } catch (...) {
            forwarder::log::error("reload failed");
        }
    }
}

}  // namespace milter
