{
  "targets": [
    {
      "target_name": "igcnet_mpi",
      "sources": ["native/mpi_addon.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(mpicc --showme:incdirs)"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-std=c++17"],
      "libraries": ["<!@(mpicc --showme:link)"],
      "ldflags": ["-Wl,-rpath,<!@(mpicc --showme:libdirs)"]
    }
  ]
}
