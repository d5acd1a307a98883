#pragma once
// gzip on a thread of its own, for tar.gz archives: like `tar czf` with its
// separate gzip process, the archive writer (reading files, making tar
// headers) and the compressor run side by side instead of taking turns.
// Same format and level as gzip's default (zlib deflate, level 6).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace wsp::fs {

class GzipPipe {
  public:
    explicit GzipPipe(int out_fd, int level = 6);
    ~GzipPipe();  // abandons the stream if finish() was not called
    GzipPipe(const GzipPipe&) = delete;
    GzipPipe& operator=(const GzipPipe&) = delete;

    // Takes `n` bytes (copied); false once the compressor has failed.
    bool write(const void* data, size_t n);
    // Compresses what is left, ends the stream, joins the thread: 0 or an
    // errno value.
    int finish();
    // The compressor's errno value (0 while fine).
    int error();

  private:
    void run();
    void push_block();  // mutex_ held

    const int out_fd_;
    const int level_;
    std::string block_;  // being filled by write()
    std::mutex mutex_;
    std::condition_variable ready_;  // a block queued, or the end
    std::condition_variable room_;   // a block taken
    std::deque<std::string> queue_;
    bool ending_ = false;
    bool abandoned_ = false;
    int error_ = 0;
    std::thread thread_;
};

}  // namespace wsp::fs
