// A thin N-API binding of Open MPI's MPI_COMM_WORLD: init, allreduce, broadcast, barrier,
// finalize and abort. Every call is a blocking MPI call on the calling (main) thread; the
// collectives are Open MPI's own, nothing here adds a protocol.
#include <dlfcn.h>
#include <mpi.h>
#include <napi.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>

namespace {

bool initialized = false;
bool finalized = false;
int worldRank = 0;
int worldSize = 1;
int localRank = 0;
int localSize = 1;

// MPI counts are ints: larger buffers go in chunks of this many elements.
constexpr size_t kMaxChunk = size_t{1} << 30;

std::string MpiMessage(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<size_t>(len));
}

void Check(Napi::Env env, int code, const char* what) {
  if (code != MPI_SUCCESS) {
    throw Napi::Error::New(env, std::string(what) + " failed on rank " +
                                    std::to_string(worldRank) + ": " + MpiMessage(code));
  }
}

void RequireInit(Napi::Env env, const char* what) {
  if (!initialized || finalized) {
    throw Napi::Error::New(env, std::string(what) + ": MPI is not initialised (call init() first" +
                                    (finalized ? "; finalize() was already called)" : ")"));
  }
}

// Open MPI loads its transports as plugins that resolve libmpi's symbols globally, while Node
// opens addons (and so libmpi) with RTLD_LOCAL: promote the already loaded libmpi to global.
void PromoteLibmpi() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&MPI_Init), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  }
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (finalized) throw Napi::Error::New(env, "init: MPI was finalised and cannot start again");
  if (!initialized) {
    PromoteLibmpi();
    int provided = 0;
    // Only the main thread calls MPI; worker threads (CPU kernels, JPEG decoding) never do.
    int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) throw Napi::Error::New(env, "MPI_Init_thread failed: " + MpiMessage(rc));
    initialized = true;
    // Errors come back as JS exceptions naming the call, instead of aborting inside MPI.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    Check(env, MPI_Comm_rank(MPI_COMM_WORLD, &worldRank), "MPI_Comm_rank");
    Check(env, MPI_Comm_size(MPI_COMM_WORLD, &worldSize), "MPI_Comm_size");
    MPI_Comm local;
    Check(env,
          MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, worldRank, MPI_INFO_NULL,
                              &local),
          "MPI_Comm_split_type");
    Check(env, MPI_Comm_rank(local, &localRank), "MPI_Comm_rank");
    Check(env, MPI_Comm_size(local, &localSize), "MPI_Comm_size");
    MPI_Comm_free(&local);
  }
  char host[MPI_MAX_PROCESSOR_NAME];
  int hostLen = 0;
  MPI_Get_processor_name(host, &hostLen);
  int major = 0;
  int minor = 0;
  MPI_Get_version(&major, &minor);
  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  int libraryLen = 0;
  MPI_Get_library_version(library, &libraryLen);
  std::string lib(library, static_cast<size_t>(libraryLen));
  const size_t comma = lib.find(',');
  if (comma != std::string::npos) lib.resize(comma);

  Napi::Object out = Napi::Object::New(env);
  out.Set("rank", worldRank);
  out.Set("size", worldSize);
  out.Set("localRank", localRank);
  out.Set("localSize", localSize);
  out.Set("host", std::string(host, static_cast<size_t>(hostLen)));
  out.Set("library", lib);
  out.Set("mpiVersion", std::to_string(major) + "." + std::to_string(minor));
  return out;
}

MPI_Op ParseOp(Napi::Env env, const Napi::Value& v) {
  if (!v.IsString()) throw Napi::TypeError::New(env, "allreduce: op must be 'sum', 'max' or 'min'");
  const std::string op = v.As<Napi::String>().Utf8Value();
  if (op == "sum") return MPI_SUM;
  if (op == "max") return MPI_MAX;
  if (op == "min") return MPI_MIN;
  throw Napi::TypeError::New(env, "allreduce: op must be 'sum', 'max' or 'min', got '" + op + "'");
}

// allreduce(data: Float32Array | Float64Array | Int32Array, op): reduces in place.
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInit(env, "allreduce");
  if (info.Length() < 2 || !info[0].IsTypedArray()) {
    throw Napi::TypeError::New(env, "allreduce: expected (Float32Array | Float64Array | Int32Array, op)");
  }
  Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
  MPI_Datatype type;
  size_t width;
  switch (arr.TypedArrayType()) {
    case napi_float32_array:
      type = MPI_FLOAT;
      width = 4;
      break;
    case napi_float64_array:
      type = MPI_DOUBLE;
      width = 8;
      break;
    case napi_int32_array:
      type = MPI_INT;
      width = 4;
      break;
    default:
      throw Napi::TypeError::New(env, "allreduce: data must be a Float32Array, Float64Array or Int32Array");
  }
  MPI_Op op = ParseOp(env, info[1]);
  char* base = static_cast<char*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  const size_t count = arr.ElementLength();
  for (size_t start = 0; start < count; start += kMaxChunk) {
    const int n = static_cast<int>(std::min(kMaxChunk, count - start));
    Check(env, MPI_Allreduce(MPI_IN_PLACE, base + start * width, n, type, op, MPI_COMM_WORLD),
          "MPI_Allreduce");
  }
  return env.Undefined();
}

// broadcast(data: any typed array, root): overwrites data with root's, in place.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInit(env, "broadcast");
  if (info.Length() < 1 || !info[0].IsTypedArray()) {
    throw Napi::TypeError::New(env, "broadcast: expected (typed array, root)");
  }
  int root = 0;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "broadcast: root must be a rank number");
    root = info[1].As<Napi::Number>().Int32Value();
  }
  if (root < 0 || root >= worldSize) {
    throw Napi::RangeError::New(env, "broadcast: root " + std::to_string(root) +
                                         " is not a rank of a world of " +
                                         std::to_string(worldSize));
  }
  Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
  char* base = static_cast<char*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  const size_t bytes = arr.ByteLength();
  for (size_t start = 0; start < bytes; start += kMaxChunk) {
    const int n = static_cast<int>(std::min(kMaxChunk, bytes - start));
    Check(env, MPI_Bcast(base + start, n, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  return env.Undefined();
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInit(env, "barrier");
  Check(env, MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  return env.Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (initialized && !finalized) {
    finalized = true;
    Check(env, MPI_Finalize(), "MPI_Finalize");
  }
  return env.Undefined();
}

// abort(code): ends every rank of the job (MPI_Abort); does not return.
Napi::Value Abort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int code = 1;
  if (info.Length() > 0 && info[0].IsNumber()) code = info[0].As<Napi::Number>().Int32Value();
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
  return env.Undefined();
}

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("allreduce", Napi::Function::New(env, Allreduce, "allreduce"));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast, "broadcast"));
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("abort", Napi::Function::New(env, Abort, "abort"));
  return exports;
}

}  // namespace

NODE_API_MODULE(igcnet_mpi, Register)
