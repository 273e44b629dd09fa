"""One module per capability, each calling `engage.opendata.register(Dataset(...))`."""
