"""Readers: the only code that knows the layouts of nines files (HDF5).

    hdf5        the boundary with h5py: every read is guarded (DamagedFileError), typed
                attributes, checked columns, text of any bytes
    lazy        per-request datasets read chunk by chunk, their values checked
    importance  the importance measures a structure run stores (names, labels, units)
    run_file    chain runs, nines-run v1: Run
    structure   structure runs, nines-run v2: StructureRun
    time_run    time runs (outages over time), nines-run v3: TimeRun (records: its big
                tables, one row per outage, window or failed request, read chunk by chunk;
                alerting and slos: its /alerting and /slos groups)
    sweep       sweep files, nines-sweep v1, v2 and v3 (time bases): Sweep (sweep_point: its points of either
                layout; sweep_tables: layout 2's per-point tables)
    uncertainty uncertainty files, nines-uncertainty v1: UncertaintyRun (the service value
                over draws of the uncertain inputs, Sobol indices)
    probe       check_file(): the damage that crashes HDF5 itself, found in a child process
    files       open() and READERS: which reader reads which file
    export      files as xarray Datasets (to_xarray) and CSV tables (tables, export_csv)
    allocation  allocation files (`nines allocate`, nines-allocation v1): Allocation
    impact      impact_table(): service impact per component of any run, with an allocation's
                targets (python3 -m nines impact)

Readers use nines.stats to fill in what older files lack and to recompute a file's numbers;
they know nothing of reports or plots.
"""
from .files import READERS, open
from .probe import check_file
from .hdf5 import text
from .importance import IMPORTANCE_MEASURES, MEASURES, ImportanceMeasure
from .lazy import LazyArray
from .run_file import (RUN_FORMAT, RUN_FORMAT_VERSION, Failures, Metadata, Outcomes, Run,
                       RunSummary)
from .structure import (STRUCTURE_FORMAT_VERSION, Requests, StructureFailures, StructureRun,
                        StructureSummary)
from .time_run import TIME_FORMAT_VERSION, TimeMetadata, TimeRun
from .records import Records
from .uncertainty import (UNCERTAINTY_FORMAT, UNCERTAINTY_FORMAT_VERSION, UncertaintyMetadata,
                          UncertaintyRun)
from .export import export_csv, tables, to_xarray
from .allocation import (ALLOCATION_FORMAT, ALLOCATION_FORMAT_VERSION, Allocation,
                         AllocationSummary, open_allocation)
from .impact import impact_table
from .sweep import (SWEEP_FORMAT, SWEEP_FORMAT_VERSION, SWEEP_FORMAT_VERSIONS, Sweep,
                    SweepFailures, SweepMetadata, SweepPoint)

__all__ = ["open", "READERS", "check_file", "text", "IMPORTANCE_MEASURES", "MEASURES",
           "ImportanceMeasure", "LazyArray", "RUN_FORMAT", "RUN_FORMAT_VERSION", "Failures",
           "Metadata", "Outcomes", "Run", "RunSummary", "STRUCTURE_FORMAT_VERSION", "Requests",
           "StructureFailures", "StructureRun", "StructureSummary", "SWEEP_FORMAT",
           "SWEEP_FORMAT_VERSION", "SWEEP_FORMAT_VERSIONS", "Sweep", "SweepFailures",
           "SweepMetadata", "SweepPoint", "TIME_FORMAT_VERSION", "TimeMetadata", "TimeRun",
           "Records", "export_csv", "tables", "to_xarray", "UNCERTAINTY_FORMAT",
           "UNCERTAINTY_FORMAT_VERSION", "UncertaintyMetadata", "UncertaintyRun",
           "ALLOCATION_FORMAT", "ALLOCATION_FORMAT_VERSION", "Allocation", "AllocationSummary",
           "open_allocation", "impact_table"]
