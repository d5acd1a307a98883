#include "drivers/fs/gzip_pipe.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "system/file_io.h"

namespace wsp::fs {
namespace {

constexpr size_t kBlock = size_t{1} << 20;  // handed over in 1 MB blocks
constexpr size_t kQueued = 4;               // at most this many waiting

}  // namespace

GzipPipe::GzipPipe(int out_fd, int level) : out_fd_(out_fd), level_(level) {
    block_.reserve(kBlock);
    thread_ = std::thread([this] { run(); });
}

GzipPipe::~GzipPipe() {
    {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        ending_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void GzipPipe::push_block() {
    queue_.push_back(std::move(block_));
    block_ = std::string();
    block_.reserve(kBlock);
    ready_.notify_one();
}

bool GzipPipe::write(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        size_t take = std::min(n, kBlock - block_.size());
        block_.append(p, take);
        p += take;
        n -= take;
        if (block_.size() == kBlock) {
            std::unique_lock lock(mutex_);
            room_.wait(lock, [this] { return queue_.size() < kQueued || error_ != 0; });
            if (error_ != 0) return false;
            push_block();
        }
    }
    return true;
}

int GzipPipe::finish() {
    {
        std::lock_guard lock(mutex_);
        if (!block_.empty()) push_block();
        ending_ = true;
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.join();
    return error_;
}

int GzipPipe::error() {
    std::lock_guard lock(mutex_);
    return error_;
}

void GzipPipe::run() {
    z_stream z{};
    // windowBits 15 + 16: a gzip wrapper (header and CRC-32 trailer).
    if (deflateInit2(&z, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        std::lock_guard lock(mutex_);
        error_ = ENOMEM;
        room_.notify_all();
        return;
    }
    std::vector<unsigned char> out(size_t{256} << 10);
    int err = 0;
    for (;;) {
        std::string in;
        bool last = false;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return !queue_.empty() || ending_; });
            if (abandoned_) break;
            if (!queue_.empty()) {
                in = std::move(queue_.front());
                queue_.pop_front();
                room_.notify_one();
            }
            last = queue_.empty() && ending_;
        }
        z.next_in = reinterpret_cast<unsigned char*>(in.data());
        z.avail_in = static_cast<uInt>(in.size());
        const int flush = last ? Z_FINISH : Z_NO_FLUSH;
        int r = Z_OK;
        do {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            r = deflate(&z, flush);
            if (r == Z_STREAM_ERROR) {
                err = EIO;
                break;
            }
            err = write_all(out_fd_, std::string_view(reinterpret_cast<const char*>(out.data()),
                                                      out.size() - z.avail_out));
        } while (err == 0 && (z.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END)));
        if (err != 0 || last) break;
    }
    deflateEnd(&z);
    std::lock_guard lock(mutex_);
    if (err != 0) error_ = err;
    room_.notify_all();
}

}  // namespace wsp::fs
