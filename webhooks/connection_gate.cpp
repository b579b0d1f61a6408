#include "webhooks/connection_gate.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace webhooks {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 16384;
// After a refusal the client may still be sending (a 15 MB head): its input is dropped for this long,
// or up to this much, before the socket closes, so the answer is not lost to a reset.
constexpr std::chrono::milliseconds kDrainTime{1000};
constexpr std::size_t kDrainBytes = 4 << 20;

const char* reason_phrase(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 408: return "Request Timeout";
        case 413: return "Payload Too Large";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return "Error";
    }
}

void send_best_effort(int fd, std::string_view bytes) {
    (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

std::string canned_response(int status, std::string_view message) {
    const std::string body = nlohmann::json{{"message", message}}.dump();
    return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

ConnectionGate::ConnectionGate(GateOptions options, Dispatch dispatch)
    : options_(options), dispatch_(std::move(dispatch)), wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

ConnectionGate::~ConnectionGate() {
    stop();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void ConnectionGate::start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void ConnectionGate::stop() {
    stopping_ = true;
    const std::uint64_t one = 1;
    if (wake_fd_ >= 0) (void)::write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(inbox_mutex_);
    for (auto& c : inbox_) {
        ::close(c.fd);
        open_.fetch_sub(1);
    }
    inbox_.clear();
}

void ConnectionGate::admit(int fd) {
    if (stopping_ || open_.load() >= options_.max_connections) {
        send_best_effort(fd, canned_response(503, "too many connections"));
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
        return;
    }
    open_.fetch_add(1);
    GatedConnection c;
    c.fd = fd;
    c.requests_left = options_.requests_per_connection;
    readmit(std::move(c));
}

void ConnectionGate::readmit(GatedConnection connection) {
    {
        std::lock_guard lock(inbox_mutex_);
        if (!stopping_) {
            inbox_.push_back(std::move(connection));
            connection.fd = -1;
        }
    }
    if (connection.fd >= 0) {
        ::close(connection.fd);
        open_.fetch_sub(1);
        return;
    }
    const std::uint64_t one = 1;
    (void)::write(wake_fd_, &one, sizeof one);
}

void ConnectionGate::take_inbox(Clock::time_point now) {
    std::vector<GatedConnection> arrived;
    {
        std::lock_guard lock(inbox_mutex_);
        arrived.swap(inbox_);
    }
    for (auto& c : arrived) {
        const int fd = c.fd;
        Pending p{std::move(c), RequestHeadScanner(options_.head)};
        // A fresh connection is expected to send at once; one kept alive may wait a while for its next request.
        p.idle = p.connection.received.empty() && p.connection.requests_left < options_.requests_per_connection;
        p.connection.deadline = now + (p.idle ? options_.keep_alive_timeout : options_.request_timeout);
        auto [it, inserted] = pending_.insert_or_assign(fd, std::move(p));
        (void)inserted;
        if (!it->second.connection.received.empty()) evaluate(fd, it->second, now);  // a pipelined request
    }
}

void ConnectionGate::run() {
    std::vector<pollfd> fds;
    std::vector<int> expired;
    while (!stopping_) {
        take_inbox(Clock::now());
        fds.clear();
        fds.push_back({wake_fd_, POLLIN, 0});
        auto next_deadline = Clock::now() + std::chrono::seconds(1);
        for (const auto& [fd, p] : pending_) {
            fds.push_back({fd, POLLIN, 0});
            next_deadline = std::min(next_deadline, p.connection.deadline);
        }
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - Clock::now());
        const int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(wait.count(), 0) + 1));
        const auto now = Clock::now();
        if (n > 0) {
            if (fds[0].revents != 0) {
                std::uint64_t value = 0;
                (void)::read(wake_fd_, &value, sizeof value);
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                const auto it = pending_.find(fds[i].fd);
                if (it != pending_.end()) read_from(it->second, now);
            }
        }
        expired.clear();
        for (auto& [fd, p] : pending_) {
            if (p.connection.fd < 0 || p.connection.deadline <= now) expired.push_back(fd);
        }
        for (const int fd : expired) {
            Pending& p = pending_.at(fd);
            if (p.connection.fd >= 0 && !p.idle && !p.draining) {
                // Only a request that began and did not finish in time hears why.
                send_best_effort(fd, canned_response(408, "request not received in time"));
            }
            if (p.connection.fd >= 0) close_connection(fd);
            pending_.erase(fd);
        }
    }
    for (auto& [fd, p] : pending_) {
        if (p.connection.fd >= 0) close_connection(fd);
    }
    pending_.clear();
}

// Marks the connection for removal by setting its fd to -1 (the map entry is erased by run()).
void ConnectionGate::read_from(Pending& p, Clock::time_point now) {
    const int fd = p.connection.fd;
    if (fd < 0) return;
    char chunk[kReadChunk];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {
        close_connection(fd);
        p.connection.fd = -1;
        return;
    }
    if (p.draining) {
        p.drained += static_cast<std::size_t>(n);
        if (p.drained > kDrainBytes) {
            close_connection(fd);
            p.connection.fd = -1;
        }
        return;
    }
    if (p.idle) {
        p.idle = false;
        p.connection.deadline = now + options_.request_timeout;
    }
    p.connection.received.append(chunk, static_cast<std::size_t>(n));
    evaluate(fd, p, now);
}

bool ConnectionGate::evaluate(int fd, Pending& p, Clock::time_point now) {
    if (!p.head_complete) {
        HeadVerdict v = p.scanner.scan(p.connection.received);
        if (v.state == HeadVerdict::State::incomplete) return true;
        if (v.state == HeadVerdict::State::refused) {
            refuse(p, v.status, v.reason, now);
            return true;
        }
        p.head_complete = true;
        p.head = std::move(v);
        if (p.head.expects_continue && !p.head.chunked &&
            p.connection.received.size() < p.head.head_bytes + p.head.body_bytes)
            send_best_effort(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (!p.head.chunked && p.connection.received.size() < p.head.head_bytes + p.head.body_bytes) return true;
    // Complete (a chunked body is read by the worker, still within the deadline): off to a worker.
    GatedConnection ready = std::move(p.connection);
    p.connection = GatedConnection{};
    p.connection.deadline = now;  // erased by run() on this pass
    dispatch_(std::move(ready));
    (void)fd;
    return false;
}

void ConnectionGate::refuse(Pending& p, int status, std::string_view message, Clock::time_point now) {
    send_best_effort(p.connection.fd, canned_response(status, message));
    ::shutdown(p.connection.fd, SHUT_WR);
    p.draining = true;
    p.connection.received.clear();
    p.connection.received.shrink_to_fit();
    p.connection.deadline = now + kDrainTime;
}

void ConnectionGate::close_connection(int fd) {
    ::close(fd);
    open_.fetch_sub(1);
}

}  // namespace webhooks
