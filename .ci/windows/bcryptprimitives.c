/* Debian's wine64 8.0 lacks bcryptprimitives.dll, which Rust's std imports for ProcessPrng
   (random bytes). This stub, placed beside packbench.exe, answers with RtlGenRandom (advapi32).
   Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
   Only the Wine smoke run needs it: a real Windows 10/11 has the DLL. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return RtlGenRandom(data, (ULONG)len);
}
