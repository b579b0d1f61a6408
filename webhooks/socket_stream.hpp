// httplib's view of one accepted connection once the connection gate has read the request head (and
// a Content-Length body): it serves those buffered bytes first, then reads the socket only until the
// request's deadline, and keeps what was read past the request for the next one on the connection.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

namespace webhooks {

class BufferedSocketStream final : public httplib::Stream {
public:
    using Clock = std::chrono::steady_clock;

    BufferedSocketStream(int fd, std::string buffered, Clock::time_point read_deadline,
                         std::chrono::milliseconds write_timeout);

    bool is_readable() const override;
    bool is_writable() const override;
    ssize_t read(char* ptr, size_t size) override;
    ssize_t write(const char* ptr, size_t size) override;
    void get_remote_ip_and_port(std::string& ip, int& port) const override;
    void get_local_ip_and_port(std::string& ip, int& port) const override;
    socket_t socket() const override { return fd_; }

    // Bytes received but not consumed by the request just served (a pipelined next request).
    std::string take_unread();

private:
    bool wait_for(short events, std::chrono::milliseconds timeout) const;
    std::chrono::milliseconds read_time_left() const;

    int fd_;
    std::string buffer_;
    std::size_t pos_ = 0;
    Clock::time_point read_deadline_;
    std::chrono::milliseconds write_timeout_;
};

}  // namespace webhooks
