//===- Executor.cpp - run jobs in forked children with a timeout ----------===//
#include "Executor.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace llvm;
using Clock = std::chrono::steady_clock;

namespace bitnet::conformance {

namespace {
volatile sig_atomic_t interruptSignal = 0;

void onInterrupt(int signal) { interruptSignal = signal; }

struct RunningJob {
  size_t index;
  pid_t pid;
  Clock::time_point start;
};

/// The status line a child writes first in its result file.
constexpr StringLiteral kPassLine = "PASS\n", kFailLine = "FAIL\n";
/// Exit status of a child that could not write its result.
constexpr int kNoResultStatus = 125;
/// How much of a child's output a failure message quotes.
constexpr size_t kLogTailBytes = 3000;
} // namespace

static std::string jobFile(const ExecutorOptions &options, size_t index,
                           StringRef extension) {
  SmallString<256> path(options.workDir);
  sys::path::append(path, "job-" + Twine(index) + extension);
  return path.str().str();
}

static bool writeAll(int fd, StringRef data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data = data.drop_front(static_cast<size_t>(n));
  }
  return true;
}

[[noreturn]] static void
runChild(size_t index, const ExecutorOptions &options,
         function_ref<bool(size_t, std::string &)> job) {
  // Its own process group: a timeout kills the linker it started as well.
  setpgid(0, 0);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (options.memoryLimitMiB) {
    rlim_t bytes = static_cast<rlim_t>(options.memoryLimitMiB) << 20;
    struct rlimit limit = {bytes, bytes};
    setrlimit(RLIMIT_AS, &limit);
  }
  std::string logPath = jobFile(options, index, ".log");
  int log = open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                 0644);
  if (log < 0 || dup2(log, STDOUT_FILENO) < 0 ||
      dup2(log, STDERR_FILENO) < 0)
    _exit(kNoResultStatus);
  close(log);
  std::string message;
  bool passed = job(index, message);
  llvm::outs().flush();
  std::fflush(nullptr);
  std::string resultPath = jobFile(options, index, ".result");
  int result = open(resultPath.c_str(),
                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool written = result >= 0 &&
                 writeAll(result, passed ? kPassLine : kFailLine) &&
                 writeAll(result, message) && close(result) == 0;
  // _exit: no static destructors of the compiler libraries in a child.
  _exit(written ? 0 : kNoResultStatus);
}

/// The last lines of a child's output, indented, or "" when it wrote none.
static std::string logTail(const ExecutorOptions &options, size_t index) {
  auto buffer = MemoryBuffer::getFile(jobFile(options, index, ".log"));
  if (!buffer)
    return "";
  StringRef text = (*buffer)->getBuffer().rtrim();
  if (text.empty())
    return "";
  std::string tail = "\noutput:";
  if (text.size() > kLogTailBytes) {
    text = text.take_back(kLogTailBytes);
    text = text.drop_until([](char c) { return c == '\n'; });
    tail += " (last part)";
  }
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (StringRef line : lines)
    (tail += "\n  ") += line.rtrim().str();
  return tail;
}

static JobOutcome collect(const ExecutorOptions &options, size_t index,
                          int status, double seconds) {
  JobOutcome outcome;
  outcome.seconds = seconds;
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    outcome.message = formatv("crashed: signal {0} ({1})", signal,
                              strsignal(signal)).str() +
                      logTail(options, index);
    return outcome;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto result = MemoryBuffer::getFile(jobFile(options, index, ".result"));
  StringRef text = result ? (*result)->getBuffer() : StringRef();
  if (code != 0 || !(text.starts_with(kPassLine) ||
                     text.starts_with(kFailLine))) {
    outcome.message =
        formatv("exited with status {0} without a result", code).str() +
        logTail(options, index);
    return outcome;
  }
  outcome.passed = text.starts_with(kPassLine);
  outcome.message = text.drop_front(kPassLine.size()).str();
  return outcome;
}

std::vector<JobOutcome>
runJobsIsolated(size_t count, const ExecutorOptions &options,
                function_ref<bool(size_t, std::string &)> job) {
  std::vector<JobOutcome> outcomes(count);
  std::vector<RunningJob> running;
  struct sigaction action = {}, oldInt = {}, oldTerm = {};
  action.sa_handler = onInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &oldInt);
  sigaction(SIGTERM, &action, &oldTerm);
  interruptSignal = 0;

  auto elapsed = [](const RunningJob &r) {
    return std::chrono::duration<double>(Clock::now() - r.start).count();
  };
  size_t next = 0;
  while (next < count || !running.empty()) {
    if (interruptSignal) {
      for (RunningJob &r : running) {
        kill(-r.pid, SIGKILL);
        waitpid(r.pid, nullptr, 0);
        outcomes[r.index].message = "interrupted";
      }
      for (; next < count; ++next)
        outcomes[next].message = "not run: interrupted";
      break;
    }
    while (running.size() < std::max(1u, options.jobs) && next < count) {
      llvm::outs().flush();
      std::fflush(nullptr);
      size_t index = next++;
      pid_t pid = fork();
      if (pid == 0)
        runChild(index, options, job);
      if (pid < 0) {
        outcomes[index].message =
            formatv("cannot start a process: {0}", strerror(errno)).str();
        continue;
      }
      setpgid(pid, pid); // also in the child: whichever runs first
      running.push_back({index, pid, Clock::now()});
    }
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      pid_t done = waitpid(it->pid, &status, WNOHANG);
      if (done == it->pid) {
        outcomes[it->index] = collect(options, it->index, status, elapsed(*it));
      } else if (elapsed(*it) > options.timeoutSeconds) {
        kill(-it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
        outcomes[it->index].seconds = elapsed(*it);
        outcomes[it->index].message =
            formatv("timed out after {0} s (killed)", options.timeoutSeconds)
                .str() +
            logTail(options, it->index);
      } else {
        ++it;
        continue;
      }
      it = running.erase(it);
      reaped = true;
    }
    if (!reaped) {
      struct timespec pause = {0, 5 * 1000 * 1000};
      nanosleep(&pause, nullptr);
    }
  }
  sigaction(SIGINT, &oldInt, nullptr);
  sigaction(SIGTERM, &oldTerm, nullptr);
  return outcomes;
}

} // namespace bitnet::conformance
