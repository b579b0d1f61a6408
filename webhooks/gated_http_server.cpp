#include "webhooks/gated_http_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "webhooks/socket_stream.hpp"

namespace webhooks {

namespace {

// httplib's accept loop runs each "task" at once: the task only passes the socket to the gate.
class InlineTaskQueue final : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> task) override { task(); }
    void shutdown() override {}
};

// A request held in memory, for answer_buffered().
class MemoryStream final : public httplib::Stream {
public:
    explicit MemoryStream(std::string_view input) : input_(input) {}
    bool is_readable() const override { return pos_ < input_.size(); }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        const std::size_t n = std::min(size, input_.size() - pos_);
        std::memcpy(ptr, input_.data() + pos_, n);
        pos_ += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        output_.append(ptr, size);
        return static_cast<ssize_t>(size);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 0;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 0;
    }
    socket_t socket() const override { return INVALID_SOCKET; }
    std::string take_output() { return std::move(output_); }

private:
    std::string_view input_;
    std::size_t pos_ = 0;
    std::string output_;
};

}  // namespace

GatedHttpServer::GatedHttpServer(GateOptions options, std::size_t threads, std::chrono::milliseconds write_timeout)
    : write_timeout_(write_timeout),
      gate_(options, [this](GatedConnection c) { workers_.enqueue([this, c = std::move(c)]() mutable { serve(std::move(c)); }); }),
      // Never full: every queued task is an open connection, and the gate admits at most max_connections.
      workers_(threads, options.max_connections + 1) {
    new_task_queue = [] { return new InlineTaskQueue; };
}

GatedHttpServer::~GatedHttpServer() { stop_gate(); }

void GatedHttpServer::stop_gate() {
    gate_.stop();
    workers_.shutdown();
}

bool GatedHttpServer::process_and_close_socket(socket_t sock) {
    gate_.admit(sock);
    return true;
}

void GatedHttpServer::serve(GatedConnection c) {
    BufferedSocketStream stream(c.fd, std::move(c.received), c.deadline, write_timeout_);
    bool closed = false;
    const bool last = c.requests_left <= 1;
    const bool ok = process_request(stream, last, closed, nullptr);
    if (ok && !closed && !last) {
        c.received = stream.take_unread();
        --c.requests_left;
        gate_.readmit(std::move(c));
        return;
    }
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
    gate_.released();
}

std::string GatedHttpServer::answer_buffered(std::string_view raw) {
    RequestHeadScanner scanner(gate_.options().head);
    const HeadVerdict head = scanner.scan(raw);
    if (head.state == HeadVerdict::State::refused) return canned_response(head.status, head.reason);
    if (head.state == HeadVerdict::State::incomplete || (!head.chunked && raw.size() < head.head_bytes + head.body_bytes))
        return canned_response(408, "request not received in time");
    MemoryStream stream(raw);
    bool closed = false;
    process_request(stream, true, closed, nullptr);
    return stream.take_output();
}

}  // namespace webhooks
