// Error reporting shared by every module: fallible calls return Status or Result<T>, never throw.
// An Error's message says what failed and where (path, key, line, errno text).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace h5rec {

struct Error {
  std::string message;
  int code = 0;  // the errno value when an OS call failed (EIO, ENOSPC, ...), else 0
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // success
  Status(Error error)  // NOLINT: implicit by design
      : error_(std::move(error.message)), code_(error.code), failed_(true) {}

  static Status ok_status() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_; }
  int code() const { return code_; }  // errno of a failed OS call, else 0
  Error error() const { return Error{error_, code_}; }

 private:
  std::string error_;
  int code_ = 0;
  bool failed_ = false;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : value_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(value_); }
  explicit operator bool() const { return ok(); }
  T& value() {
    assert(ok());
    return std::get<T>(value_);
  }
  const T& value() const {
    assert(ok());
    return std::get<T>(value_);
  }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const std::string& message() const { return std::get<Error>(value_).message; }
  int code() const { return std::get<Error>(value_).code; }
  Error error() const { return std::get<Error>(value_); }

 private:
  std::variant<T, Error> value_;
};

}  // namespace h5rec
