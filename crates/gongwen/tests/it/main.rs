//! The crate's integration tests, one binary: the .docx's XML
//! (`docx_xml`) and its conversion by LibreOffice (`libreoffice`), both on
//! the sample half-year summary in `sample`.

mod docx_xml;
mod libreoffice;
mod sample;
