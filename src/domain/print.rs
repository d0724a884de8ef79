//! Print jobs as the print log keeps them: what was printed and how it ended.

coded_enum! {
    /// What a print job printed (the store's `print_jobs.kind`).
    pub enum JobKind {
        Waybills = "waybills", "快递单", "waybills";
        Picklist = "picklist", "配货单", "pick list";
        Labels = "labels", "标签", "labels";
    }
}

coded_enum! {
    /// How a print job ended (the store's `print_jobs.result`).
    pub enum JobResult {
        /// Recorded, not known to have reached the printer (it may have).
        Pending = "pending", "未完成", "pending";
        /// The printer (or the file) took it.
        Ok = "ok", "已打印", "printed";
        /// The printer refused it or was not there: retry it.
        Failed = "failed", "失败", "failed";
    }
}
